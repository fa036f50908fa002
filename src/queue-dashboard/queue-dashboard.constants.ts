/** Where Bull Board is served. Its routes are a UI and the UI's own JSON API, outside the OpenAPI description. */
export const QUEUE_DASHBOARD_PATH = '/admin/queues';
