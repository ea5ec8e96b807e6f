-- Only for a deployment made with the earlier template, in which the bot signed in as the server
-- administrator (old_owner) and kept its tables in the schema public: moves every table old_owner
-- has there (in the bot's own database, the bot's tables), with their indexes and sequences, into
-- the bot's schema and gives them to the bot's role, so that requests, jobs and the audit trail
-- carry over. Run once, as a Microsoft Entra administrator of the server, in the bot's database,
-- after botSchema.sql and before the new version starts, with the psql variables bot_role, schema
-- and old_owner (docs/deploy-azure.md, "Upgrading a deployment made with the earlier template").
SELECT format('ALTER TABLE public.%I SET SCHEMA %I', tablename, :'schema') FROM pg_tables WHERE schemaname = 'public' AND tableowner = :'old_owner' \gexec
SELECT format('ALTER TABLE %I.%I OWNER TO %I', :'schema', tablename, :'bot_role') FROM pg_tables WHERE schemaname = :'schema' AND tableowner = :'old_owner' \gexec
