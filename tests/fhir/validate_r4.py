"""Validate FHIR R4 JSON files with SMART's fhirclient R4 models in strict mode.

An outside check of our exports, written by people who are not us: every element's name and type,
required elements, and the resource type of every Bundle entry. Usage:

    python3 tests/fhir/validate_r4.py FILE...

Prints one line per file and exits 1 if any file fails. `.ci/run` installs the pinned version
(pip install fhirclient==4.4.0); tests/fhir_bundle.rs runs this script.
"""

import json
import sys

from fhirclient.models.fhirabstractbase import FHIRValidationError
from fhirclient.models.fhirelementfactory import FHIRElementFactory


def validate(path):
    with open(path, encoding="utf-8") as handle:
        resource = json.load(handle)
    kind = resource.get("resourceType")
    model = FHIRElementFactory.instantiate(kind, None)
    # `strict=True` raises on unknown elements, wrong types and missing required elements.
    type(model)(resource, strict=True)
    return kind


def main(paths):
    failed = 0
    for path in paths:
        try:
            kind = validate(path)
            print(f"ok     {path} ({kind})")
        except (FHIRValidationError, KeyError, TypeError, ValueError) as error:
            failed += 1
            print(f"FAILED {path}: {error}")
    print(f"{len(paths) - failed} passed, {failed} failed (fhirclient R4 models, strict)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
