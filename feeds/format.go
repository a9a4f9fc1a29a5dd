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
	if f < 0 || f >= numFormats {
		return "application/octet-stream"
	}
	return f.mediaType() + "; charset=utf-8"
}

// mediaType is the content type without parameters, for links.
func (f Format) mediaType() string {
	switch f {
	case RSS:
		return "application/rss+xml"
	case Atom:
		return "application/atom+xml"
	case JSON:
		return "application/feed+json"
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
