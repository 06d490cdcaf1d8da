# Dates as engineers read them in logs and in CDM's own answers: year first, 24-hour clock.
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "Y-m-d H:i:s"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
NUMBER_GROUPING = 3
THOUSAND_SEPARATOR = ","
DECIMAL_SEPARATOR = "."
