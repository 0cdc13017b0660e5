from ..decorators import admin_required, staff_only, logged
from shop.models import User, Note
from .. import decorators as deco
