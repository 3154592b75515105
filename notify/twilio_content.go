package notify

import (
	"context"
	"sort"
)

// ContentInfo is what Twilio knows of an approved WhatsApp template.
type ContentInfo struct {
	FriendlyName string
	Language     string
	Variables    []string // the variable keys, sorted
	Types        []string // the content types (twilio/text, twilio/quick-reply …)
	WhatsApp     string   // WhatsApp approval status (approved, pending, rejected …); "" when never submitted
	Rejection    string   // WhatsApp's reason, when rejected
}

// FetchContent looks a content template up at Twilio's Content API, with
// its WhatsApp approval.
func (s *TwilioSender) FetchContent(ctx context.Context, sid string) (ContentInfo, error) {
	c, rt := s.content(ctx)
	content, err := c.FetchContent(sid)
	if err != nil {
		e, _ := describe("fetch content", err, rt.lastStatus())
		return ContentInfo{}, e
	}
	var info ContentInfo
	if content.FriendlyName != nil {
		info.FriendlyName = *content.FriendlyName
	}
	if content.Language != nil {
		info.Language = *content.Language
	}
	if content.Variables != nil {
		for k := range *content.Variables {
			info.Variables = append(info.Variables, k)
		}
	}
	if content.Types != nil {
		for k := range *content.Types {
			info.Types = append(info.Types, k)
		}
	}
	sort.Strings(info.Variables)
	sort.Strings(info.Types)
	approval, err := c.FetchApprovalFetch(sid)
	if err != nil {
		e, _ := describe("fetch content approval", err, rt.lastStatus())
		return info, e
	}
	if approval.Whatsapp != nil {
		wa := *approval.Whatsapp
		info.WhatsApp, _ = wa["status"].(string)
		info.Rejection, _ = wa["rejection_reason"].(string)
	}
	return info, nil
}
