from django.contrib.auth.mixins import AccessMixin


class LoginMixin(AccessMixin):
    """Log-in only: authentication, not authorization."""
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)


class ObjectPermissionMixin(LoginMixin):
    """Checks the model permission and restricts the queryset to the objects
    the user may act on."""
    def has_permission(self):
        user = self.request.user
        if user.has_perms((self.get_required_permission(),)):
            self.queryset = self.queryset.restrict(user, "view")
            return True
        return False

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)
