package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// AgendaTemplate is a team's own agenda template (built-ins live in templates/).
type AgendaTemplate struct {
	ID        int64
	TeamID    int64
	Name      string
	CreatedBy int64
	CreatedAt time.Time
	UpdatedAt time.Time
	Items     []AgendaTemplateItem `gorm:"foreignKey:TemplateID"`
}

// AgendaTemplateItem is one item of a team template.
type AgendaTemplateItem struct {
	ID         int64
	TemplateID int64
	Position   int
	Title      string
	Guidance   string
	Minutes    int
}

// TemplateFields is the content of a team template.
type TemplateFields struct {
	Name  string
	Items []TemplateItem
}

func (f TemplateFields) clean() (TemplateFields, error) {
	name, err := cleanName("name", f.Name, 200)
	if err != nil {
		return f, err
	}
	if len(f.Items) == 0 || len(f.Items) > 50 {
		return f, Invalid("items", "a template needs 1 to 50 items")
	}
	out := TemplateFields{Name: name}
	for _, it := range f.Items {
		title, err := cleanText("items.title", it.Title, 300, false)
		if err != nil {
			return f, err
		}
		guidance, err := cleanOptionalText("items.guidance", it.Guidance, 2000, true)
		if err != nil {
			return f, err
		}
		if it.Minutes < 1 || it.Minutes > 240 {
			return f, Invalid("items.minutes", "minutes must be between 1 and 240")
		}
		out.Items = append(out.Items, TemplateItem{Title: title, Guidance: guidance, Minutes: it.Minutes})
	}
	return out, nil
}

func templateItems(f TemplateFields) []AgendaTemplateItem {
	items := make([]AgendaTemplateItem, len(f.Items))
	for i, it := range f.Items {
		items[i] = AgendaTemplateItem{Position: i + 1, Title: it.Title, Guidance: it.Guidance, Minutes: it.Minutes}
	}
	return items
}

// CreateAgendaTemplate adds a template to the actor's team.
func (s *Store) CreateAgendaTemplate(ctx context.Context, a Actor, f TemplateFields) (AgendaTemplate, error) {
	f, err := f.clean()
	if err != nil {
		return AgendaTemplate{}, err
	}
	now := s.now()
	t := AgendaTemplate{TeamID: a.TeamID, Name: f.Name, CreatedBy: a.UserID, CreatedAt: now, UpdatedAt: now, Items: templateItems(f)}
	err = s.write(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&t).Error; err != nil {
			return err
		}
		return s.auditTx(tx, a, Audit{Action: "create", Entity: "agenda_template", EntityID: t.ID, TeamID: &t.TeamID})
	})
	return t, wrap(err, "create agenda template")
}

// FindAgendaTemplateByID returns a template of the actor's team (admins: any).
func (s *Store) FindAgendaTemplateByID(ctx context.Context, a Actor, id int64) (AgendaTemplate, error) {
	return s.findTemplate(s.reader(ctx), a, id)
}

func (s *Store) findTemplate(tx *gorm.DB, a Actor, id int64) (AgendaTemplate, error) {
	var t AgendaTemplate
	q := tx.Preload("Items", func(db *gorm.DB) *gorm.DB { return db.Order("position") })
	if a.Role != RoleAdmin {
		q = q.Where("team_id = ?", a.TeamID)
	}
	err := q.First(&t, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return t, Errorf(ENOTFOUND, "agenda template %d not found", id)
	}
	return t, wrap(err, "find agenda template")
}

// FindAgendaTemplates lists the actor's team templates (admins: all).
func (s *Store) FindAgendaTemplates(ctx context.Context, a Actor) ([]AgendaTemplate, error) {
	var list []AgendaTemplate
	q := s.reader(ctx).Preload("Items", func(db *gorm.DB) *gorm.DB { return db.Order("position") })
	if a.Role != RoleAdmin {
		q = q.Where("team_id = ?", a.TeamID)
	}
	err := q.Order("id").Limit(500).Find(&list).Error
	return list, wrap(err, "find agenda templates")
}

// ReplaceAgendaTemplate replaces a template's name and items.
func (s *Store) ReplaceAgendaTemplate(ctx context.Context, a Actor, id int64, f TemplateFields) (AgendaTemplate, error) {
	f, err := f.clean()
	if err != nil {
		return AgendaTemplate{}, err
	}
	var t AgendaTemplate
	err = s.write(ctx, func(tx *gorm.DB) error {
		if t, err = s.findTemplate(tx, a, id); err != nil {
			return err
		}
		if err := tx.Where("template_id = ?", id).Delete(&AgendaTemplateItem{}).Error; err != nil {
			return err
		}
		t.Name, t.UpdatedAt, t.Items = f.Name, s.now(), templateItems(f)
		if err := tx.Session(&gorm.Session{FullSaveAssociations: true}).Save(&t).Error; err != nil {
			return err
		}
		return s.auditTx(tx, a, Audit{Action: "update", Entity: "agenda_template", EntityID: t.ID, TeamID: &t.TeamID})
	})
	return t, wrap(err, "replace agenda template")
}

// DeleteAgendaTemplate removes a team template; sessions planned from it keep their agenda.
func (s *Store) DeleteAgendaTemplate(ctx context.Context, a Actor, id int64) error {
	err := s.write(ctx, func(tx *gorm.DB) error {
		t, err := s.findTemplate(tx, a, id)
		if err != nil {
			return err
		}
		if err := tx.Where("template_id = ?", id).Delete(&AgendaTemplateItem{}).Error; err != nil {
			return err
		}
		if err := tx.Delete(&AgendaTemplate{}, id).Error; err != nil {
			return err
		}
		return s.auditTx(tx, a, Audit{Action: "delete", Entity: "agenda_template", EntityID: id, TeamID: &t.TeamID})
	})
	return wrap(err, "delete agenda template")
}
