package wizard

import "time"

// validateDetails: TEMPORARY STUB by the lead. The URL engineer: delete this
// whole file when url_validate.go defines validateDetails.
func validateDetails(c Connector, now time.Time) Problems { return nil }
