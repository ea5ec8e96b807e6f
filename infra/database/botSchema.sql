-- What the bot's role may do in the bot's database: own one schema, where its migrations create
-- every table at start, and create nothing anywhere else. Run once, as a Microsoft Entra
-- administrator of the server, in the bot's database, after botRole.sql, with the psql variables
-- bot_role and schema (docs/deploy-azure.md, step 4).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
CREATE SCHEMA IF NOT EXISTS :"schema" AUTHORIZATION :"bot_role";
-- Unqualified names, the bot's and its migrations', then mean this schema in every session.
ALTER ROLE :"bot_role" SET search_path TO :"schema";
