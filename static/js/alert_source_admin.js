'use strict';
// The alert source's contact autocomplete sends the organisation chosen in the same form,
// so only that organisation's contacts are offered (incidents/admin.py). Django's
// autocomplete.js has set the field up already; it is set up again with that parameter.
{
    const $ = django.jQuery;
    function scopeContactSearch() {
        const organisation = document.getElementById('id_organisation');
        const contact = $('#id_contact');
        if (!organisation || !contact.length || !contact.hasClass('admin-autocomplete')) {
            return;
        }
        if (contact.hasClass('select2-hidden-accessible')) {
            contact.select2('destroy');
        }
        contact.select2({
            ajax: {
                data: (params) => ({
                    term: params.term,
                    page: params.page,
                    organisation: organisation.value,
                }),
            },
        });
        organisation.addEventListener('change', () => contact.val(null).trigger('change'));
    }
    // After every ready handler (Django's autocomplete.js sets the field up in one).
    window.addEventListener('load', scopeContactSearch);
}
