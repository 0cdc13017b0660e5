from django.views.generic import View
from rest_framework.viewsets import GenericViewSet

from inv.utilities.views import LoginMixin, ObjectPermissionMixin


class BaseObjectView(ObjectPermissionMixin, View):
    pass


class ObjectEditView(BaseObjectView):
    template_name = "edit.html"


class LoggedInView(LoginMixin, View):
    template_name = "page.html"


class BaseViewSet(GenericViewSet):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.user.is_authenticated:
            self.queryset = self.queryset.restrict(request.user, "view")
