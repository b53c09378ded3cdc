"""Short English names of the categories, for the wall's ticker where the full ones are cut."""
from __future__ import annotations

# At 20 px a ticker row at 1920x1080 leaves the category about 105 px beside the widest
# status ("In progress"): some 10 letters of English (the Chinese names, 4 characters,
# fit). Keyed by category code; a category added later without one shows its full English
# name, cut by the ticker with the whole in the cell's title.
SHORT_EN = {
    "0101": "Roads", "0102": "Sanitation", "0103": "Greenery", "0104": "Illegal bldg",
    "0105": "Vending", "0106": "Lighting", "0107": "Drainage",
    "0201": "Air quality", "0202": "Noise", "0203": "Dirty water",
    "0301": "Dispute", "0302": "Security", "0303": "Group let", "0304": "Traffic",
    "0401": "Fire risk", "0402": "Gas safety", "0403": "Unsafe bldg", "0404": "Food safety",
    "0405": "Work safety", "0501": "Elderly care", "0502": "Disability", "0503": "Hardship",
    "0504": "Utilities", "0505": "Property",
}


def wall_category(code: str, name_zh: str, name_en: str | None, lang: str) -> str:
    """A category's name on the wall: Chinese, or the short English one where there is one."""
    if lang != "en":
        return name_zh
    return SHORT_EN.get(code) or name_en or name_zh
