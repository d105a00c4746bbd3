"""The seam for providers other than AWS: discovery, the declared check, the runner's output."""

from __future__ import annotations

from questionnaire.checks import providers
from questionnaire.findings import Finding, RawResponse, Status


def test_discover_finds_only_provider_packages():
    found = providers.discover()
    assert all(isinstance(p, providers.ProviderSource) for p in found)
    assert [p.name for p in found] == sorted(p.name for p in found)


def test_run_providers_calls_only_providers_that_handle_a_deployment(monkeypatch):
    calls = []

    class Dep:
        id = "d1"

    class Loaded:
        class profile:
            deployments = [Dep()]

    def run(loaded, progress):
        calls.append(loaded)
        raw = RawResponse(service="x", operation="GET", region=None, params={}, response={}, timestamp="2026-01-01T00:00:00Z", path="raw/x/GET.json")
        return [Finding("x.check", "d1", None, Status.UNKNOWN, None, None, "not verified")], [raw]

    yes = providers.ProviderSource(name="yes", handles=lambda d: True, run=run)
    no = providers.ProviderSource(name="no", handles=lambda d: False, run=lambda l, p: (_ for _ in ()).throw(AssertionError))
    monkeypatch.setattr(providers, "_CACHE", [no, yes])
    findings, raws = providers.run_providers(Loaded())
    assert len(calls) == 1 and [f.check_id for f in findings] == ["x.check"] and raws[0].path == "raw/x/GET.json"
    assert providers.handled_by_provider(Dep())
