// The service's own JavaScript, loaded as a module at the end of every page (templates/base.html): no inline
// script, so the Content-Security-Policy allows scripts from the service only (docs/security.md, "Headers").
import { initAll } from "./govuk-frontend.min.js";

initAll();
