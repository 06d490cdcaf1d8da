# As the Chinese CDM console writes them: 2026年11月30日, then a 24-hour clock.
DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i:s T"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i T"
NUMBER_GROUPING = 3
THOUSAND_SEPARATOR = ","
DECIMAL_SEPARATOR = "."
