"""The error tree and its one mapping from botocore errors."""

from __future__ import annotations

import botocore.session
import pytest
from botocore.exceptions import ClientError

from aioswf import exceptions
from aioswf.exceptions import (
    ActivityTypeDoesNotExist,
    DomainDoesNotExist,
    InvalidCredentialsError,
    InvalidRequestError,
    ResponseError,
    ServiceUnavailableError,
    SWFError,
    ThrottlingError,
    ValidationError,
    WorkflowExecutionDoesNotExist,
    WorkflowTypeDoesNotExist,
    map_client_error,
)


def client_error(code: str, message: str = "", status: int = 400) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "Operation",
    )


SERVICE_FAULTS = [
    shape.name for shape in botocore.session.get_session().get_service_model("swf").error_shapes
]


@pytest.mark.parametrize("fault", SERVICE_FAULTS)
def test_every_fault_of_the_service_model_maps_to_its_own_class(fault: str) -> None:
    error = map_client_error(client_error(fault, "boom"), "DescribeDomain")
    assert type(error) is not ResponseError, f"{fault} has no class of its own"
    assert error.code == fault
    assert error.message == "boom"


def test_the_service_model_still_has_the_faults_we_know() -> None:
    assert len(SERVICE_FAULTS) == 11


@pytest.mark.parametrize(
    ("operation", "message", "expected"),
    [
        ("DescribeDomain", "Unknown domain: x", DomainDoesNotExist),
        ("DescribeWorkflowType", "Unknown type: WorkflowType=[name=a, version=1]", WorkflowTypeDoesNotExist),
        ("DescribeActivityType", "Unknown type: ActivityType=[name=a, version=1]", ActivityTypeDoesNotExist),
        ("DescribeWorkflowType", "Unknown domain: d", DomainDoesNotExist),
        (
            "SignalWorkflowExecution",
            "Unknown execution: WorkflowExecution=[workflowId=w]",
            WorkflowExecutionDoesNotExist,
        ),
        ("DescribeActivityType", "", ActivityTypeDoesNotExist),
    ],
)
def test_unknown_resource_names_the_resource(operation: str, message: str, expected: type) -> None:
    assert type(map_client_error(client_error("UnknownResourceFault", message), operation)) is expected


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("ThrottlingException", 400, ThrottlingError),
        ("UnrecognizedClientException", 400, InvalidCredentialsError),
        ("AccessDeniedException", 400, InvalidCredentialsError),
        ("ExpiredTokenException", 400, InvalidCredentialsError),
        ("ValidationException", 400, InvalidRequestError),
        ("InternalFailure", 500, ServiceUnavailableError),
        ("ServiceUnavailable", 503, ServiceUnavailableError),
    ],
)
def test_service_wide_errors_map_by_code_and_status(code: str, status: int, expected: type) -> None:
    assert type(map_client_error(client_error(code, status=status), "ListDomains")) is expected


def test_namespaced_codes_are_understood() -> None:
    error = map_client_error(
        client_error("com.amazonaws.swf.base.model#UnknownResourceFault"), "DescribeDomain"
    )
    assert isinstance(error, DomainDoesNotExist)


def test_misuse_errors_are_builtin_errors_too() -> None:
    assert issubclass(ValidationError, ValueError)
    assert issubclass(exceptions.InvalidKeywordArgumentError, TypeError)
    assert issubclass(exceptions.NoConnectionError, RuntimeError)


def test_every_exported_error_is_an_swf_error() -> None:
    for name in exceptions.__all__:
        obj = getattr(exceptions, name)
        if isinstance(obj, type):
            assert issubclass(obj, SWFError), name


def test_the_tree_in_the_docstring_names_every_error_class() -> None:
    doc = exceptions.__doc__ or ""
    for name in exceptions.__all__:
        obj = getattr(exceptions, name)
        if isinstance(obj, type):
            assert name in doc, f"{name} is missing from the drawn error tree"
