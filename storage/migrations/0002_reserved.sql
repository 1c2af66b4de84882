-- Reserved for the delivery migration, which is merged separately: this
-- placeholder only keeps the numbering without gaps so that 0003 applies on
-- this branch alone. Drop it when the real 0002 is merged.
SELECT 1;
