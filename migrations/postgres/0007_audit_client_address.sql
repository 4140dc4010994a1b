-- Where a change came from: the client address of the request that made it (the socket peer, or the address a trusted
-- reverse proxy forwarded). NULL for what no request did (the command line, the system, earlier entries).
ALTER TABLE public.audit_log ADD COLUMN client_address text;
