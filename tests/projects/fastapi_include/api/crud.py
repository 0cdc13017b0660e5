from sqlalchemy import func, select, text


def count_items(db, name):
    # a query object: values are bound by SQLAlchemy
    return db.execute(select(func.count()).where(text("name = :name")), {"name": name}).scalar()


def count_by_query(db, name):
    return db.execute(db.query(func.count()).filter_by(name=name)).scalar()


def raw_search(db, q):
    return db.execute(text(f"SELECT * FROM items WHERE name = '{q}'")).all()  # expect: SCG101
