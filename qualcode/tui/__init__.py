"""The interactive coding screen (`qualcode tui`).

:mod:`qualcode.tui.state` holds what is on screen and does the work through the library; it
imports nothing from Textual, so it is tested without a terminal. The other modules are the
Textual widgets and screens over it; they are imported only when the command runs.
"""
