from core.api.views import RegistryViewSet, status_action
from evaluations import services
from evaluations.api.serializers import (
    ApplicationAcceptSerializer,
    ApplicationRefuseSerializer,
    ApplicationScoreSerializer,
    ApplicationStepSerializer,
    EvaluationApplicationSerializer,
    EvaluationRoundSerializer,
    ObjectionDecideSerializer,
    ObjectionSerializer,
)
from evaluations.filtersets import EvaluationApplicationFilterSet, EvaluationRoundFilterSet, ObjectionFilterSet
from evaluations.models import EvaluationApplication, EvaluationRound, Objection

APPLICATION = "application"  # the services' keyword for the record


class EvaluationRoundViewSet(RegistryViewSet):
    queryset = EvaluationRound.objects.all()
    serializer_class = EvaluationRoundSerializer
    filterset_class = EvaluationRoundFilterSet


class EvaluationApplicationViewSet(RegistryViewSet):
    queryset = EvaluationApplication.objects.select_related("organization", "round")
    serializer_class = EvaluationApplicationSerializer
    filterset_class = EvaluationApplicationFilterSet

    accept = status_action("accept", services.application_accept, target=APPLICATION, body=ApplicationAcceptSerializer)
    refuse = status_action("refuse", services.application_refuse, target=APPLICATION, body=ApplicationRefuseSerializer)
    score = status_action("score", services.application_score, target=APPLICATION, body=ApplicationScoreSerializer)
    publish = status_action("publish", services.application_publish, target=APPLICATION, body=ApplicationStepSerializer)
    conclude = status_action(
        "conclude", services.application_conclude, target=APPLICATION, body=ApplicationStepSerializer
    )
    withdraw = status_action("withdraw", services.application_withdraw, target=APPLICATION)


class ObjectionViewSet(RegistryViewSet):
    queryset = Objection.objects.select_related("application")
    serializer_class = ObjectionSerializer
    filterset_class = ObjectionFilterSet

    decide = status_action("decide", services.objection_decide, target="objection", body=ObjectionDecideSerializer)
