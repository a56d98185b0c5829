'use strict';
// The alert source's contact autocomplete sends the organisation chosen in the same form,
// so only that organisation's contacts are offered (incidents/admin.py).
//
// The organisation is added to select2's search request by a jQuery prefilter, not by
// setting select2 up again: Django's autocomplete.js sets the field up from a jQuery ready
// handler, which may run before or after any handler of ours, and whichever ran last
// would win (seen on a loaded machine: the search went out without the organisation).
(function () {
    const SEARCH = '/contact-autocomplete/';

    function install($) {
        $.ajaxPrefilter((options) => {
            if (!options.url || !options.url.includes(SEARCH)) {
                return;
            }
            const organisation = document.getElementById('id_organisation');
            const pair = 'organisation=' + encodeURIComponent(organisation ? organisation.value : '');
            options.data = options.data ? options.data + '&' + pair : pair;
        });
        // A contact of the previous organisation no longer fits.
        document.addEventListener('change', (event) => {
            if (event.target && event.target.id === 'id_organisation') {
                $('#id_contact').val(null).trigger('change');
            }
        });
    }

    const $ = window.django && window.django.jQuery;
    if ($) {
        install($);
    } else {
        document.addEventListener('DOMContentLoaded', () => {
            if (window.django && window.django.jQuery) {
                install(window.django.jQuery);
            }
        });
    }
})();
