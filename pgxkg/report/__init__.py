"""The patient's report: the risk answer (and the VCF calls behind it) as a page a clinician can print,
a FHIR R4 Bundle a health record can file, and a network a person can read.

Stages, each its own module: ``inputs`` (genotype, VCF or PharmCAT results -> risk answers) ->
``assemble`` (answer + calls + context -> ``PatientReport``, pure) -> ``html`` (Jinja2) / ``pdf``
(headless Chromium) / ``fhir`` (HL7 Genomics Reporting IG) and ``network`` (the readable picture).
"""
