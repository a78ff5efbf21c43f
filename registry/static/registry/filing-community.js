'use strict';
// The admin's autocomplete sends only the typed term; a filing's community must lie in its township,
// so the community search also carries the chosen township (DivisionAdmin.get_search_results reads it).
{
    const $ = django.jQuery;
    $.ajaxPrefilter(function (options) {
        if (typeof options.data !== 'string' || !options.data.includes('field_name=community')) {
            return;
        }
        const township = document.getElementById('id_township');
        if (township && township.value) {
            options.data += '&township=' + encodeURIComponent(township.value);
        }
    });
    $(function () {
        // A community chosen under another township would be refused on save: clear it at once.
        $('#id_township').on('change', function () {
            const community = $('#id_community');
            const chosen = community.val();
            if (chosen && !chosen.startsWith(this.value)) {
                community.val(null).trigger('change');
            }
        });
    });
}
