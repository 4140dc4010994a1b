-- An automated checklist result remembers which check produced it, so that a stored run reads back complete
-- even after the checklist definition changes.
ALTER TABLE public.checklist_results ADD COLUMN check_id text CHECK (check_id IS NULL OR kind = 'automated');
