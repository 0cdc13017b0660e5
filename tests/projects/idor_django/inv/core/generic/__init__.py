from .object_views import *
