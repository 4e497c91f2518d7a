package fc

import (
	"maps"
	"slices"
)

// The update semantics of the API, shared by the local server (which stores
// the result) and the planner (which predicts it): a nil field of an input
// leaves the resource's value as it is; a set one replaces it whole.

// Apply sets the non-nil fields of in on s.
func (s *Service) Apply(in ServiceInput) {
	setIf(&s.Description, in.Description)
	setIf(&s.Role, in.Role)
	setIf(&s.InternetAccess, in.InternetAccess)
	setIf(&s.LogConfig, in.LogConfig)
	if in.VPCConfig != nil {
		s.VPCConfig = *in.VPCConfig
		s.VPCConfig.VSwitchIDs = slices.Clone(in.VPCConfig.VSwitchIDs)
	}
	if in.NASConfig != nil {
		s.NASConfig = *in.NASConfig
		s.NASConfig.MountPoints = slices.Clone(in.NASConfig.MountPoints)
	}
}

// Apply sets the non-nil fields of in on f (not its code). A non-nil
// environment map replaces the old one whole.
func (f *Function) Apply(in FunctionInput) {
	setIf(&f.Description, in.Description)
	setIf(&f.Runtime, in.Runtime)
	setIf(&f.Handler, in.Handler)
	setIf(&f.Initializer, in.Initializer)
	setIf(&f.MemorySize, in.MemorySize)
	setIf(&f.Timeout, in.Timeout)
	setIf(&f.InitializationTimeout, in.InitializationTimeout)
	setIf(&f.InstanceConcurrency, in.InstanceConcurrency)
	if in.EnvironmentVariables != nil {
		f.EnvironmentVariables = maps.Clone(in.EnvironmentVariables)
	}
}

func setIf[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}
