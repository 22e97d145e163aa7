package credit

import (
	"context"
	"encoding/json"
	"fmt"

	"qcity"
	"qcity/internal/db"
	"qcity/internal/translog"
)

// The public states of list records, as the tamper-evident log records them and as
// the public pages show them. A verifier replays the log and compares its last state
// of each record with the state the current rows give: a row changed behind qcity's
// back no longer matches. States hold no names (an entity may be renamed) and no
// personal data in the clear (only commitments).

// AbnormalState is the public state of an abnormal-list record.
type AbnormalState struct {
	USCC              string     `json:"uscc"`
	Reason            string     `json:"reason"`
	ReportYear        int        `json:"report_year,omitempty"`
	Individual        bool       `json:"individual,omitempty"`
	State             string     `json:"state"` // listed | removed | revoked | publicity_ended
	ListedOn          qcity.Date `json:"listed_on"`
	DecisionNo        string     `json:"decision_no"`
	Authority         string     `json:"authority"`
	PublicityEndsOn   qcity.Date `json:"publicity_ends_on,omitzero"`
	RemovedOn         qcity.Date `json:"removed_on,omitzero"`
	RemovalReason     string     `json:"removal_reason,omitempty"`
	RemovalDecisionNo string     `json:"removal_decision_no,omitempty"`
	RemovalAuthority  string     `json:"removal_authority,omitempty"`
}

// SeriousState is the public state of a serious-list record.
type SeriousState struct {
	USCC          string     `json:"uscc"`
	Circumstances []string   `json:"circumstances"`
	DecisionNo    string     `json:"decision_no"`
	Authority     string     `json:"authority"`
	ListedOn      qcity.Date `json:"listed_on"`
	ExpiresOn     qcity.Date `json:"expires_on"`
	State         string     `json:"state"` // listed | removed_early | expired | revoked
	RemovedOn     qcity.Date `json:"removed_on,omitzero"`
	Relisted      int        `json:"relisted,omitempty"`
	LegalRep      string     `json:"legal_rep,omitempty"` // commitment
}

// PenaltyState is the public state of a published penalty.
type PenaltyState struct {
	USCC            string     `json:"uscc"`
	DecisionNo      string     `json:"decision_no"`
	Authority       string     `json:"authority"`
	DecidedOn       qcity.Date `json:"decided_on"`
	Kinds           []string   `json:"kinds"`
	Fine            string     `json:"fine,omitempty"`
	Confiscated     string     `json:"confiscated,omitempty"`
	Violation       string     `json:"violation"`
	Basis           string     `json:"basis"`
	PublishedOn     qcity.Date `json:"published_on"`
	PublicityEndsOn qcity.Date `json:"publicity_ends_on"`
	State           string     `json:"state"` // published | ended | ended_early | withdrawn
	EndedOn         qcity.Date `json:"ended_on,omitzero"`
	LegalRep        string     `json:"legal_rep,omitempty"` // commitment
}

// Log record kinds.
const (
	KindAbnormalListed         = "abnormal.listed"
	KindAbnormalRemoved        = "abnormal.removed"
	KindAbnormalRevoked        = "abnormal.revoked"
	KindAbnormalPublicityEnded = "abnormal.publicity_ended"
	KindSeriousListed          = "serious.listed"
	KindSeriousRelisted        = "serious.relisted"
	KindSeriousRemovedEarly    = "serious.removed_early"
	KindSeriousExpired         = "serious.expired"
	KindSeriousRevoked         = "serious.revoked"
	KindPenaltyPublished       = "penalty.published"
	KindPenaltyEnded           = "penalty.publicity_ended"
	KindPenaltyEndedEarly      = "penalty.ended_early"
	KindPenaltyWithdrawn       = "penalty.withdrawn"
)

func abnormalRef(id int64) string { return fmt.Sprintf("abnormal/%d", id) }
func seriousRef(id int64) string  { return fmt.Sprintf("serious/%d", id) }
func penaltyRef(id int64) string  { return fmt.Sprintf("penalty/%d", id) }

// LoggedStates returns the public state of every credit record that has ever been
// public, by log ref, as the current rows give it.
func LoggedStates(ctx context.Context, q db.Querier) (map[string][]byte, error) {
	out := map[string][]byte{}
	put := func(ref string, st any) {
		b, _ := json.Marshal(st)
		out[ref] = b
	}
	rows, err := q.Query(ctx, `SELECT `+abnormalColumns+` FROM abnormal_listings a JOIN entities e ON e.id = a.entity_id
		WHERE a.listed_on IS NOT NULL AND a.state IN ('listed', 'removed', 'revoked', 'publicity_ended')`)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	for rows.Next() {
		a, err := scanAbnormal(rows)
		if err != nil {
			rows.Close()
			return nil, qcity.Internal(err)
		}
		put(abnormalRef(a.ID), a.PublicState())
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, qcity.Internal(err)
	}
	rows, err = q.Query(ctx, `SELECT `+seriousColumns+` FROM serious_listings l JOIN entities e ON e.id = l.entity_id
		WHERE l.listed_on IS NOT NULL`)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	for rows.Next() {
		l, err := scanSerious(rows)
		if err != nil {
			rows.Close()
			return nil, qcity.Internal(err)
		}
		put(seriousRef(l.ID), l.PublicState())
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, qcity.Internal(err)
	}
	rows, err = q.Query(ctx, `SELECT `+penaltyColumns+` FROM penalties p JOIN entities e ON e.id = p.entity_id
		WHERE p.published_on IS NOT NULL`)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPenalty(rows)
		if err != nil {
			return nil, qcity.Internal(err)
		}
		put(penaltyRef(p.ID), p.PublicState())
	}
	return out, qcity.Internal(rows.Err())
}

// recordOf builds a log record.
func recordOf(kind, ref, subject string, on qcity.Date, state any, secrets ...translog.Secret) translog.Record {
	return translog.Record{Kind: kind, Ref: ref, Subject: subject, Date: on, State: state, Secrets: secrets}
}
