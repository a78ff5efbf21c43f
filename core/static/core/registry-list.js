'use strict';
// Lists need the width (1440 pixels hold a list's columns or the sidebar, not both): the navigation
// sidebar starts collapsed until the clerk opens it, which nav_sidebar.js then remembers.
if (localStorage.getItem('django.admin.navSidebarIsOpen') === null) {
    localStorage.setItem('django.admin.navSidebarIsOpen', 'false');
}
