package host

import (
	"encoding/json"

	"github.com/socialrx/socialrx/plugins"
)

// WithNewerFormat makes a Service play a host of a later release, whose
// kind has one more stored format than this build's, made from this
// build's by up: it writes that format, and reads older documents upgraded
// by up, as the later release would.
func WithNewerFormat(kind plugins.Kind, up func(doc map[string]json.RawMessage) error) func(*Options) {
	return func(o *Options) {
		later := map[plugins.Kind][]upgrade{}
		for k, v := range o.later {
			later[k] = v
		}
		later[kind] = append(later[kind], up)
		o.later = later
	}
}
