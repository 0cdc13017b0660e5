from proj.utilities.views import OwnedDetailView, AdminOnlyMixin, PlainMixin
