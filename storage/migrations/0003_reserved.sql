-- Reserved for the fact base's migration, which is merged separately: this
-- placeholder only keeps the numbering without gaps so that 0004 applies on
-- this branch alone. Drop it when the real 0003 is merged.
SELECT 1;
