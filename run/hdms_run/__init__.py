"""What runs HDMS outside containers: the registry of services (hdms_run.services), the local
servers (hdms_run.servers), the production-shaped stack (hdms_run.stack), the embedded mode
(hdms_run.embedded) and the gateway's configuration (hdms_run.gateway).

Importing the package imports nothing else: the gateway module runs with the standard library
alone (the gateway image renders its configuration with it).
"""
