package feeds

// announce is the one place where a feed's change is announced: a source of
// the feed has a new version (the scheduler or another replica stored or
// pruned items), or a reload changed the feed's configuration. It is called
// once per feed and batch, before the feed is re-rendered (if it is cached
// at all), whether or not its bytes turn out different. Whoever needs "feed
// changed" events (WebSub pings, archives, webhooks) hooks
// Options.OnFeedChanged, and renders through Publisher.Render if it needs
// the bytes.
func (p *Publisher) announce(slug string) {
	if p.onChange != nil {
		p.onChange(slug)
	}
}
