"""HTML text (SCG201, SCG202)."""
import re

#: text that contains an HTML tag (so it is markup, not plain text)
TAG = re.compile(r"<\s*[a-zA-Z!/][^>]*>|<[a-zA-Z][a-zA-Z0-9]*[\s>]")
#: response attributes that set the content type (``resp.mimetype = ...``)
CONTENT_TYPE_ATTRIBUTES = frozenset({"mimetype", "content_type", "media_type"})
