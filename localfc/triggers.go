package localfc

import (
	"context"

	"github.com/fcdeploy/fcdeploy/fc"
)

func listTriggers(ctx context.Context, s *Server, c *call) (response, error) {
	opt, err := listOptions(c.r.URL.Query())
	if err != nil {
		return response{}, err
	}
	out, err := s.store.ListTriggers(ctx, c.account, c.service, c.function, opt)
	if err != nil {
		return response{}, err
	}
	if out.Triggers == nil {
		out.Triggers = []fc.Trigger{}
	}
	return jsonOK(out, ""), nil
}

func createTrigger(ctx context.Context, s *Server, c *call) (response, error) {
	var in fc.TriggerInput
	if err := decodeBody(c.r, &in, false); err != nil {
		return response{}, err
	}
	if err := checkName("trigger", in.TriggerName); err != nil {
		return response{}, err
	}
	subject := "trigger " + c.service + "/" + c.function + "/" + in.TriggerName
	if err := fc.ValidateTriggerType(in.TriggerType); err != nil {
		return response{}, invalid("%s: %v", subject, err)
	}
	if err := checkTriggerConfig(subject, in.TriggerType, in.TriggerConfig); err != nil {
		return response{}, err
	}
	tr, err := s.store.CreateTrigger(ctx, c.account, c.service, c.function, in)
	if err != nil {
		return response{}, err
	}
	return jsonOK(tr, tr.ETag), nil
}

func getTrigger(ctx context.Context, s *Server, c *call) (response, error) {
	tr, err := s.store.GetTrigger(ctx, c.account, c.service, c.function, c.trigger)
	if err != nil {
		return response{}, err
	}
	return jsonOK(tr, tr.ETag), nil
}

func updateTrigger(ctx context.Context, s *Server, c *call) (response, error) {
	var in fc.TriggerInput
	if err := decodeBody(c.r, &in, false); err != nil {
		return response{}, err
	}
	subject := "trigger " + c.service + "/" + c.function + "/" + c.trigger
	if len(in.TriggerConfig) > 0 && string(in.TriggerConfig) != "null" {
		// The type cannot change, so the stored trigger says how to check.
		cur, err := s.store.GetTrigger(ctx, c.account, c.service, c.function, c.trigger)
		if err != nil {
			return response{}, err
		}
		if err := checkTriggerConfig(subject, cur.TriggerType, in.TriggerConfig); err != nil {
			return response{}, err
		}
	} else {
		in.TriggerConfig = nil
	}
	in.TriggerName, in.TriggerType = "", ""
	tr, err := s.store.UpdateTrigger(ctx, c.account, c.service, c.function, c.trigger, in, ifMatch(c))
	if err != nil {
		return response{}, err
	}
	return jsonOK(tr, tr.ETag), nil
}

func deleteTrigger(ctx context.Context, s *Server, c *call) (response, error) {
	if err := s.store.DeleteTrigger(ctx, c.account, c.service, c.function, c.trigger, ifMatch(c)); err != nil {
		return response{}, err
	}
	return noContent(), nil
}
