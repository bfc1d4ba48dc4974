// Starts the inspector, once every view is defined.
'use strict';

if (session.key) connect(); else showConnect();
