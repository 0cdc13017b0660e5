from sqlalchemy import create_engine
from sqlalchemy.orm import Session, declarative_base, sessionmaker

Base = declarative_base()
SessionLocal = sessionmaker(bind=create_engine("sqlite://"))


def get_db():
    db: Session = SessionLocal()
    try:
        yield db
    finally:
        db.close()
