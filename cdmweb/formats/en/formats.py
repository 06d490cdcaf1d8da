# Times name their zone (the server's, CDMWEB_TIME_ZONE): a reader elsewhere is never misled.
# Dates as engineers read them in logs and in CDM's own answers: year first, 24-hour clock.
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "Y-m-d H:i:s T"
SHORT_DATETIME_FORMAT = "Y-m-d H:i T"
NUMBER_GROUPING = 3
THOUSAND_SEPARATOR = ","
DECIMAL_SEPARATOR = "."
