package notify

import (
	"github.com/prometheus/client_golang/prometheus"

	"afspraak/models"
)

// Metrics are the notifier's Prometheus metrics. A nil *Metrics records nothing.
type Metrics struct {
	messages *prometheus.CounterVec
	toSend   prometheus.Histogram
}

// NewMetrics registers the notifier's metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "afspraak_messages_total", Help: "Message status transitions by kind and status.",
		}, []string{"kind", "status"}),
		toSend: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "afspraak_completion_to_provider_seconds",
			Help:    "Time from a message being queued to the provider accepting it.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2, 16),
		}),
	}
	reg.MustRegister(m.messages, m.toSend)
	return m
}

func (m *Metrics) message(kind, status string) {
	if m != nil {
		m.messages.WithLabelValues(kind, status).Inc()
	}
}

func (m *Metrics) sent(msg models.Message) {
	if m != nil && msg.SentAt != nil && msg.ScheduledFor == nil {
		m.toSend.Observe(msg.SentAt.Sub(msg.CreatedAt).Seconds())
	}
}
