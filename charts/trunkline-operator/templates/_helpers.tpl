{{- define "trunkline.labels" -}}
app.kubernetes.io/name: trunkline-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: trunkline
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{- define "trunkline.selector" -}}
app.kubernetes.io/name: trunkline-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
