"""The public surface is explicit and pinned."""

from __future__ import annotations

import synth
import synth.contract


def test_synth_exports() -> None:
    assert synth.__all__ == [
        "ApiSpec", "ContractError", "InputError", "Location", "OperationSpec", "Problem",
        "SynthError", "UsageError", "load",
    ]  # fmt: skip
    for name in synth.__all__:
        assert hasattr(synth, name)


def test_contract_language_exports() -> None:
    assert set(synth.contract.__all__) == {
        "UUID", "Api", "ApiKey", "Bearer", "Body", "Conditional", "Contact", "Cookie", "Cursor",
        "DateTime",
        "ErrorCode", "Example", "FieldError", "File", "Filter", "FilterOp", "Form", "Header", "Idempotency", "Latency", "License",
        "Limit", "LinkHeader", "Model", "Multipart", "Offset", "OperationDecl", "Page", "PageNumber",
        "PageToken", "Path", "Problem", "Query", "RateLimit", "RateLimitKey", "RawParam", "Ref", "RequestId", "RequestModel", "Resource",
            "ResponseHeader",
        "Sort", "StartingAfter", "Unique", "UniqueItems",
    }  # fmt: skip
