"""synth: contract-first OpenAPI, Zod, SDK and property-test synthesis for REST backends."""

from ._errors import ContractError, InputError, Location, Problem, SynthError, UsageError
from .loader import load
from .spec import ApiSpec, OperationSpec

__all__ = [
    "ApiSpec",
    "ContractError",
    "InputError",
    "Location",
    "OperationSpec",
    "Problem",
    "SynthError",
    "UsageError",
    "load",
]

__version__ = "0.1.0"
