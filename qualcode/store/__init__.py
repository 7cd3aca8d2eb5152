"""The project store: one SQLite file per study, behind SQLModel/SQLAlchemy."""
