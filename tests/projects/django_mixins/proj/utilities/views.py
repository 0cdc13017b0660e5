from django.core.exceptions import PermissionDenied
from django.views.generic import DetailView


class OwnedMixin:
    def get_queryset(self):
        return super().get_queryset().filter(owner=self.request.user)


class AdminOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PlainMixin:
    template_name = "x.html"


class OwnedDetailView(OwnedMixin, DetailView):
    pass
