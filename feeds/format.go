package feeds

// String returns the format's file extension: "rss", "atom" or "json".
func (f Format) String() string {
	switch f {
	case RSS:
		return "rss"
	case Atom:
		return "atom"
	case JSON:
		return "json"
	}
	return "unknown"
}

// ContentType returns the media type served for the format, with charset.
func (f Format) ContentType() string {
	switch f {
	case RSS:
		return "application/rss+xml; charset=utf-8"
	case Atom:
		return "application/atom+xml; charset=utf-8"
	case JSON:
		return "application/feed+json; charset=utf-8"
	}
	return "application/octet-stream"
}

// ParseFormat maps a file extension ("rss", "atom", "json") to its format.
func ParseFormat(ext string) (Format, bool) {
	switch ext {
	case "rss":
		return RSS, true
	case "atom":
		return Atom, true
	case "json":
		return JSON, true
	}
	return 0, false
}

// formats lists every format in render order.
var formats = [numFormats]Format{RSS, Atom, JSON}
