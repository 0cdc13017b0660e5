"""MongoDB object model: client -> database -> collection.

A client's attribute or subscript is a database, a database's is a
collection (``client.shop.orders``, ``client["shop"]["orders"]``); the
methods below are not such attributes.
"""
from __future__ import annotations

from secguide.models import sinks

#: the type one attribute or subscript step further down
MONGO_NEXT: dict[str, str] = {
    "mongo.Client": "mongo.Database", "mongo.PyMongo": "mongo.Client",
    "mongo.Database": "mongo.Collection", "mongo.Collection": "mongo.Collection",
}
#: attributes of Mongo objects that are methods or properties, not databases
#: or collections
MONGO_METHODS = frozenset(sinks.MONGO_FILTER_METHODS) | frozenset({
    "insert_one", "insert_many", "bulk_write", "create_index", "drop", "command",
    "list_collection_names", "close", "client", "name", "get_collection",
    "get_database", "estimated_document_count", "with_options", "db",
})
#: methods that return the next object down by name
MONGO_ACCESSORS = frozenset({"get_database", "get_collection", "get_default_database"})
