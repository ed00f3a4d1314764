from django import forms


class ObjectionForm(forms.Form):
    signature = forms.CharField(label="署名（真实姓名）", max_length=50)
    contact = forms.CharField(
        label="联系电话", max_length=20, required=False, help_text="选填，仅评选委员会核查时使用，不公开。"
    )
    entry = forms.ModelChoiceField(label="所涉作品", queryset=None, required=False, empty_label="（不针对具体作品）")
    content = forms.CharField(
        label="异议内容",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="请写明事实和理由。异议须署真实姓名，匿名异议不予受理。",
    )

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = entries


class QuarantineForm(forms.Form):
    reason = forms.CharField(
        label="隔离原因",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="隔离后该选票不计票，但仍保留并记入操作日志，不能删除。",
    )


class FinalizeForm(forms.Form):
    note = forms.CharField(label="定案说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    confirm = forms.BooleanField(label="我已核对计票、专家评分和异议处理情况，确认定案（定案后结果不可更改）")
