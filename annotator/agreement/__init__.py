"""Inter-annotator agreement.

The core modules work on numpy arrays and know nothing of the store or the UI:

- `coefficients`: percent agreement, Cohen's kappa, Fleiss' kappa, Krippendorff's alpha
  on a reliability matrix (raters x units, integer value codes, -1 = missing);
- `bootstrap`: a percentile interval for alpha by resampling units;
- `spans`: exact, overlap and unlabelled span F1 between two annotators;
- `unitizing`: Krippendorff's alpha_U over a continuum.

`matrices` turns store data into those arrays, `drilldown` ranks the sentences where
annotators disagree, and `report.compute_report(store, ...)` assembles the figures as
plain dicts (the JSON contract of `annotator agreement --json`).
"""
