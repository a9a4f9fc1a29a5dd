package sources

import "context"

// Renderer loads a page in a browser and returns the document after the
// page's scripts ran, as a Response whose Body is UTF-8 HTML. warning is
// set when the page was read before it finished loading. Sources with
// render: browser use it instead of the Client for their listing and
// full-text pages; sources/browser provides it.
type Renderer func(ctx context.Context, url string) (resp *Response, warning string, err error)
