from django.shortcuts import get_object_or_404, render
from django.views import View
from rest_framework.decorators import action
from rest_framework.response import Response

from inv.core import generic
from inv.core.generic import BaseViewSet
from inv.models import Invoice


class InvoicePopulateView(generic.ObjectEditView):
    queryset = Invoice.objects.all()

    def get(self, request, pk):
        invoice = get_object_or_404(self.queryset, pk=pk)
        return render(request, "invoice.html", {"invoice": invoice})


class InvoiceLoggedInView(generic.LoggedInView):
    queryset = Invoice.objects.all()

    def get(self, request, pk):
        invoice = get_object_or_404(self.queryset, pk=pk)  # expect: SCG401
        return render(request, "invoice.html", {"invoice": invoice})


class InvoicePlainView(View):
    queryset = Invoice.objects.all()

    def get(self, request, pk):
        invoice = get_object_or_404(self.queryset, pk=pk)  # expect: SCG401
        return render(request, "invoice.html", {"invoice": invoice})


class TraceMixin:
    @action(detail=True, url_path="trace")
    def trace(self, request, pk):
        obj = get_object_or_404(self.queryset, pk=pk)
        return Response({"trace": obj.trace()})


class InvoiceViewSet(TraceMixin, BaseViewSet):
    queryset = Invoice.objects.all()


class ExportMixin:
    @action(detail=True, url_path="export")
    def export(self, request, pk):
        obj = get_object_or_404(self.queryset, pk=pk)  # expect: SCG401
        return Response({"export": obj.export()})


class InvoiceExportView(ExportMixin, generic.LoggedInView):
    queryset = Invoice.objects.all()
