"""Agencies and regions as import files name them: an agency by its name or short name, a region
by its Kemendagri or BPS code or its name, or an agency by its region (the region's planning
agency). The feature loads the rows (two queries) and feeds them in; this module only needs
their attributes:

- agency: `id`, `name`, `short_name`, `region_id`, `is_planning_agency`
- region: `id`, `name`, `kemendagri_code`, `bps_code`, and optionally `aliases` (the short forms
  people write: 'HSU', 'Batola'), which also name its agencies ('Bappeda HSU')

When a name matches nothing, the message suggests the closest region or agency (difflib on the
normalised names): a typo should not send the secretary hunting through the region list.
"""
import re
from collections import defaultdict

from flask_babel import lazy_gettext as _l

from rakor.core.tabular.matching import Lookup, closest, norm_name


def region_key(name):
    """'Kabupaten Kotabaru' -> 'kotabaru' (what people write without the prefix)."""
    return re.sub(r"^(kabupaten|kota|provinsi) ", "", norm_name(name))


def normalize_region_code(text):
    """Kemendagri '63.02', BPS '6302', and what Excel makes of them: 63.1 (from 63.10), 6302.0.
    Returns ('kemendagri'|'bps', code) or None when the text is not a code."""
    text = (text or "").strip().replace(",", ".")
    if _EXCEL_CODE.fullmatch(text):  # Excel dropped the trailing zero: 63.10 -> 63.1
        text += "0"
    if _KEMENDAGRI_CODE.fullmatch(text):
        return "kemendagri", text
    if _BPS_CODE.fullmatch(text):
        return "bps", text
    return None


_EXCEL_CODE = re.compile(r"\d{2}\.\d")
_KEMENDAGRI_CODE = re.compile(r"\d{2}(\.\d{2}){0,3}")
_BPS_CODE = re.compile(r"\d{3,10}")


def _aliases(region):
    return list(getattr(region, "aliases", None) or ())


def agency_names(agency, region) -> list[str]:
    """The agency's names, and each again with its region written as one of the region's short
    forms: 'Bappeda Kabupaten Hulu Sungai Utara' is also 'bappeda hsu' and 'bappeda kabupaten hsu'."""
    names = [agency.name, agency.short_name]
    if region is None:
        return names
    written = [re.compile(rf"\b{re.escape(part)}\b") for part in {norm_name(region.name), region_key(region.name)} if part]
    for name in list(names):
        key = norm_name(name)
        for alias in _aliases(region):
            for pattern in written:
                if pattern.search(key):
                    names.append(pattern.sub(region_key(alias), key))
    return names


class Directory:
    """Every agency and region, indexed once, so a whole file is matched without a query."""

    def __init__(self, agencies, regions):
        agencies, regions = list(agencies), list(regions)
        regions_by_id = {r.id: r for r in regions}
        self.agencies = Lookup(agencies, names=lambda a: agency_names(a, regions_by_id.get(a.region_id)))
        self.by_region = defaultdict(list)
        for agency in agencies:
            if agency.is_planning_agency:
                self.by_region[agency.region_id].append(agency)
        self.kemendagri = {r.kemendagri_code: r for r in regions}
        self.bps = {r.bps_code: r for r in regions if r.bps_code}
        self.region_names = defaultdict(list)
        for region in regions:
            keys = {norm_name(region.name), region_key(region.name)}
            for alias in _aliases(region):
                keys |= {norm_name(alias), region_key(alias)}
            for key in keys - {""}:
                self.region_names[key].append(region)

    def suggest_region(self, text):
        """The region whose name or short form is closest to the text, or None."""
        for key in (region_key(text), norm_name(text)):
            match = closest(key, self.region_names)
            if match and len(set(self.region_names[match])) == 1:
                return self.region_names[match][0]
        return None

    def find_region(self, text):
        """(region, error message)."""
        code = normalize_region_code(text)
        if code:
            region = (self.kemendagri if code[0] == "kemendagri" else self.bps).get(code[1])
            if region is None and code[0] == "bps":
                region = self.kemendagri.get(code[1])
            if region is None:
                return None, _l("No region has the code %(code)s.", code=text)
            return region, None
        key = norm_name(text)
        found = self.region_names.get(key) or self.region_names.get(region_key(text)) or []
        found = list(dict.fromkeys(found))
        if len(found) == 1:
            return found[0], None
        if not found:
            near = self.suggest_region(text)
            if near is not None:
                return None, _l("No region is called %(name)s. Did you mean %(suggestion)s?",
                                name=text, suggestion=near.name)
            return None, _l("No region is called %(name)s.", name=text)
        return None, _l("%(name)s matches several regions (%(list)s); write the region code.",
                        name=text, list=", ".join(f"{r.kemendagri_code} {r.name}" for r in found[:4]))

    def find_agency(self, agency_text, region_text):
        """(agency, field of the error, error message, warning). The error's field is 'agency' or
        'region'; the warning says how a loosely written agency name was read."""
        region = None
        if region_text:
            region, message = self.find_region(region_text)
            if message:
                return None, "region", message, None
        if agency_text and normalize_region_code(agency_text):  # a code in the Instansi column
            region, message = self.find_region(agency_text)
            if message:
                return None, "agency", message, None
            agency_text = ""
        in_region = self.by_region.get(region.id, []) if region else []
        if agency_text:
            exact = self.agencies.by_name.get(norm_name(agency_text), [])
            if region and exact:
                narrowed = [a for a in exact if a.region_id == region.id]
                if not narrowed:
                    return None, "region", _l(
                        "%(agency)s is not in region %(code)s %(region)s.", agency=exact[0].name,
                        code=region.kemendagri_code, region=region.name), None
                exact = narrowed
            if len(exact) == 1:
                return exact[0], None, None, None
            if len(exact) > 1:
                return None, "agency", self._ambiguous(agency_text, exact), None
            # Every word written must be in the agency's names; no words at all match everyone.
            words = set(norm_name(agency_text).split())
            loose = [a for tokens, a in self.agencies.tokens if words <= tokens]
            if region:
                narrowed = [a for a in loose if a.region_id == region.id]
                if len(narrowed) == 1:
                    # 'Bappeda' where the row names the region: the region column says which
                    # Bappeda; nothing was guessed, so nothing to warn about.
                    return narrowed[0], None, None, None
                loose = narrowed or (in_region if len(in_region) == 1 else [])
            if len(loose) == 1:
                return loose[0], None, None, _l("Agency \"%(text)s\" read as %(agency)s.",
                                                text=agency_text, agency=loose[0].name)
            if len(loose) > 1:
                return None, "agency", self._ambiguous(agency_text, loose), None
            near = self.agencies.suggest(agency_text)
            if near is not None:
                return None, "agency", _l("No agency is called \"%(text)s\". Did you mean %(suggestion)s?",
                                          text=agency_text, suggestion=near.name), None
            return None, "agency", _l("No agency is called \"%(text)s\".", text=agency_text), None
        if region:
            if len(in_region) == 1:
                return in_region[0], None, None, None
            if not in_region:
                return None, "region", _l("Region %(code)s %(region)s has no planning agency.",
                                          code=region.kemendagri_code, region=region.name), None
            return None, "region", self._ambiguous(region_text, in_region), None
        return None, "agency", _l("The agency is required (its name or region code)."), None

    @staticmethod
    def _ambiguous(text, agencies):
        names = ", ".join(a.name for a in agencies[:4]) + (" …" if len(agencies) > 4 else "")
        return _l("\"%(text)s\" matches several agencies (%(list)s); write the full agency name.",
                  text=text, list=names)
