"""REST API v1 for the chip catalog: each chip with its computed capability metrics."""
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers import ErrorSerializer
from chips.models import FrameworkStatus
from chips.selectors import chip_list, chip_metrics


class ChipSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    vendor = serializers.CharField()
    origin_country = serializers.CharField()
    tpp = serializers.FloatField(help_text="Total processing performance.")
    performance_density = serializers.FloatField(allow_null=True, help_text="TPP per mm² of die; null if unknown.")
    classification = serializers.CharField()
    in_review_zone = serializers.BooleanField()
    memory_bandwidth_tbps = serializers.FloatField()
    memory_gb = serializers.FloatField()
    framework_status = serializers.ChoiceField(choices=FrameworkStatus.choices)
    revenue_share_rate = serializers.DecimalField(max_digits=4, decimal_places=3)


ERRORS = {401: ErrorSerializer, 429: ErrorSerializer}


class ChipListApi(APIView):
    @extend_schema(operation_id="chips_list", tags=["chips"], responses={200: ChipSerializer(many=True), **ERRORS})
    def get(self, request):
        """The whole catalog (a few dozen models), with computed metrics."""
        return Response(ChipSerializer([chip_metrics(chip) for chip in chip_list()], many=True).data)


class ChipDetailApi(APIView):
    @extend_schema(
        operation_id="chips_retrieve", tags=["chips"],
        parameters=[OpenApiParameter("slug", str, OpenApiParameter.PATH, pattern=r"^[-a-zA-Z0-9_]+$")],
        responses={200: ChipSerializer, 404: ErrorSerializer, **ERRORS},
    )
    def get(self, request, slug):
        chip = chip_list().filter(slug=slug).first()
        if chip is None:
            raise NotFound("No such chip.")
        return Response(ChipSerializer(chip_metrics(chip)).data)
